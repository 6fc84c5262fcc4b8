package dev.ferry.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResponseDirectivesTest {

    @Test
    void splitsEntityTagListsKeepingCommasInsideQuotes() {
        assertThat(ResponseDirectives.entityTags("\"a\", W/\"b,c\" ,\"d\""))
                .containsExactly("\"a\"", "W/\"b,c\"", "\"d\"");
        assertThat(ResponseDirectives.entityTags("*")).containsExactly("*");
    }

    @Test
    void comparesEntityTagsWeakly() {
        assertThat(ResponseDirectives.anyWeaklyMatches("W/\"v1\"", "\"v1\"")).isTrue();
        assertThat(ResponseDirectives.anyWeaklyMatches("\"v1\"", "W/\"v1\"")).isTrue();
        assertThat(ResponseDirectives.anyWeaklyMatches("\"v2\", \"v3\"", "\"v1\"")).isFalse();
        assertThat(ResponseDirectives.anyWeaklyMatches("*", "\"anything\"")).isTrue();
    }

    @Test
    void quotesBareEntityTags() {
        assertThat(ResponseDirectives.quoted("abc")).isEqualTo("\"abc\"");
        assertThat(ResponseDirectives.quoted("\"abc\"")).isEqualTo("\"abc\"");
        assertThat(ResponseDirectives.quoted("W/\"abc\"")).isEqualTo("W/\"abc\"");
    }
}
