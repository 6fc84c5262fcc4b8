package dev.ferry.observe;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.EncoderBase;
import dev.ferry.config.AccessLogConfig;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.LoggerFactory;

/**
 * Access log on Logback's {@link AsyncAppender}: the event loop only hands a record to a bounded
 * queue (dropping it when the queue is full rather than waiting); rendering and writing happen on
 * the appender's own thread.
 */
public final class AsyncAccessLog implements AccessLog {

    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final Logger logger;
    private final AsyncAppender async;

    private AsyncAccessLog(Logger logger, AsyncAppender async) {
        this.logger = logger;
        this.async = async;
    }

    /** Starts writing to the configured destination. */
    public static AsyncAccessLog start(AccessLogConfig config) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        RecordEncoder encoder = new RecordEncoder(config.format() == AccessLogConfig.Format.JSON
                ? AccessLogFormat.JSON : AccessLogFormat.TEXT);
        encoder.setContext(context);
        encoder.start();

        OutputStreamAppender<ILoggingEvent> sink = switch (config.path()) {
            case "stdout", "stderr" -> {
                ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
                console.setTarget(config.path().equals("stdout") ? "System.out" : "System.err");
                yield console;
            }
            default -> {
                FileAppender<ILoggingEvent> file = new FileAppender<>();
                file.setFile(config.path());
                file.setAppend(true);
                yield file;
            }
        };
        sink.setContext(context);
        sink.setName("access-sink");
        sink.setEncoder(encoder);
        sink.start();

        AsyncAppender async = new AsyncAppender();
        async.setContext(context);
        async.setName("access");
        async.setQueueSize(16 * 1024);
        async.setDiscardingThreshold(0);
        async.setNeverBlock(true);
        async.setIncludeCallerData(false);
        async.addAppender(sink);
        async.start();

        Logger logger = context.getLogger("ferry.access." + INSTANCES.incrementAndGet());
        logger.setAdditive(false);
        logger.setLevel(Level.INFO);
        logger.addAppender(async);
        return new AsyncAccessLog(logger, async);
    }

    @Override
    public void log(AccessRecord record) {
        // The message has no placeholder, so nothing is formatted here; the encoder renders the argument.
        logger.info("access", record);
    }

    @Override
    public void close() {
        logger.detachAppender(async);
        async.stop();
    }

    /** Renders the record carried as the event's argument. */
    private static final class RecordEncoder extends EncoderBase<ILoggingEvent> {
        private final AccessLogFormat format;

        RecordEncoder(AccessLogFormat format) {
            this.format = format;
        }

        @Override
        public byte[] headerBytes() {
            return null;
        }

        @Override
        public byte[] encode(ILoggingEvent event) {
            Object[] args = event.getArgumentArray();
            String line = args != null && args.length == 1 && args[0] instanceof AccessRecord r
                    ? format.render(r) : event.getFormattedMessage();
            return (line + "\n").getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public byte[] footerBytes() {
            return null;
        }
    }
}
