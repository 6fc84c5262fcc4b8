package dev.ferry.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Retries in flight may be {@code budget}% of requests in flight, but always at least three. */
class RetryBudgetTest {

    @Test
    void aFewRetriesAreAlwaysAllowed() {
        RetryBudget budget = new RetryBudget();
        budget.requestStarted();
        for (int i = 0; i < RetryBudget.MIN_RETRIES; i++) {
            assertThat(budget.tryRetry(20)).as("retry %d", i).isTrue();
        }
        assertThat(budget.tryRetry(20)).isFalse();
        assertThat(budget.retriesInFlight()).isEqualTo(3);
    }

    @Test
    void beyondTheMinimumRetriesAreAShareOfRequestsInFlight() {
        RetryBudget budget = new RetryBudget();
        for (int i = 0; i < 100; i++) {
            budget.requestStarted();
        }
        int granted = 0;
        while (budget.tryRetry(20)) {
            granted++;
        }
        assertThat(granted).isEqualTo(20);
        // Fewer requests in flight: no new retry until enough retries end.
        for (int i = 0; i < 50; i++) {
            budget.requestFinished();
        }
        assertThat(budget.tryRetry(20)).isFalse();
        for (int i = 0; i < 10; i++) {
            budget.retryFinished();
        }
        assertThat(budget.retriesInFlight()).isEqualTo(10);
        assertThat(budget.tryRetry(20)).isFalse();
        budget.retryFinished();
        assertThat(budget.tryRetry(20)).isTrue();
    }

    @Test
    void aFinishedRetryReturnsItsToken() {
        RetryBudget budget = new RetryBudget();
        for (int i = 0; i < 3; i++) {
            assertThat(budget.tryRetry(0)).isTrue();
        }
        assertThat(budget.tryRetry(0)).isFalse();
        budget.retryFinished();
        assertThat(budget.tryRetry(0)).isTrue();
    }
}
