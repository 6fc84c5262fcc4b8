package dev.ferry.observe;

/** Receives one record per completed exchange. Implementations must not block the caller. */
public interface AccessLog extends AutoCloseable {

    AccessLog OFF = new AccessLog() {
        @Override
        public void log(AccessRecord record) {
        }

        @Override
        public boolean enabled() {
            return false;
        }
    };

    void log(AccessRecord record);

    /** False when records would be dropped anyway, so callers can skip building them. */
    default boolean enabled() {
        return true;
    }

    @Override
    default void close() {
    }
}
