package dev.ferry.observe;

/** The {@code status_class} label: {@code 1xx} … {@code 5xx}, {@code other} for anything outside 100–599. */
final class StatusClass {

    static final String[] LABELS = {"other", "1xx", "2xx", "3xx", "4xx", "5xx"};

    private StatusClass() {
    }

    /** Index into {@link #LABELS}. */
    static int of(int status) {
        int hundreds = status / 100;
        return hundreds >= 1 && hundreds <= 5 ? hundreds : 0;
    }
}
