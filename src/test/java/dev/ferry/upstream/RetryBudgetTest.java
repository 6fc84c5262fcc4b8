package dev.ferry.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Retries in flight may be {@code budget}% of requests in flight, but always at least three. */
class RetryBudgetTest {

    @Test
    void aFewRetriesAreAlwaysAllowed() {
        RetryBudget budget = new RetryBudget(20);
        budget.requestStarted();
        for (int i = 0; i < RetryBudget.MIN_RETRIES; i++) {
            assertThat(budget.tryRetry()).as("retry %d", i).isTrue();
        }
        assertThat(budget.tryRetry()).isFalse();
        assertThat(budget.retriesInFlight()).isEqualTo(3);
    }

    @Test
    void beyondTheMinimumRetriesAreAShareOfRequestsInFlight() {
        RetryBudget budget = new RetryBudget(20);
        for (int i = 0; i < 100; i++) {
            budget.requestStarted();
        }
        int granted = 0;
        while (budget.tryRetry()) {
            granted++;
        }
        assertThat(granted).isEqualTo(20);
        // Fewer requests in flight: no new retry until enough retries end.
        for (int i = 0; i < 50; i++) {
            budget.requestFinished();
        }
        assertThat(budget.tryRetry()).isFalse();
        for (int i = 0; i < 10; i++) {
            budget.retryFinished();
        }
        assertThat(budget.retriesInFlight()).isEqualTo(10);
        assertThat(budget.tryRetry()).isFalse();
        budget.retryFinished();
        assertThat(budget.tryRetry()).isTrue();
    }

    @Test
    void aFinishedRetryReturnsItsToken() {
        RetryBudget budget = new RetryBudget(0);
        for (int i = 0; i < 3; i++) {
            assertThat(budget.tryRetry()).isTrue();
        }
        assertThat(budget.tryRetry()).isFalse();
        budget.retryFinished();
        assertThat(budget.tryRetry()).isTrue();
    }
}
