package dev.ferry.config;

import static java.util.Objects.requireNonNull;

/**
 * Where and how access log lines are written ({@code access_log:} in the file).
 *
 * @param format one line per request, as text or as a JSON object
 * @param path {@code stdout}, {@code stderr} or a file path (appended to)
 */
public record AccessLogConfig(Format format, String path) {

    public enum Format { TEXT, JSON }

    public AccessLogConfig {
        requireNonNull(format, "format");
        requireNonNull(path, "path");
    }

    public static final AccessLogConfig STDOUT_TEXT = new AccessLogConfig(Format.TEXT, "stdout");
}
