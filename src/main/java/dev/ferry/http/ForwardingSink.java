package dev.ferry.http;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

/** A response sink that passes everything on; decorators override what they change. */
public abstract class ForwardingSink implements ResponseSink {

    protected final ResponseSink next;

    protected ForwardingSink(ResponseSink next) {
        this.next = next;
    }

    @Override
    public void interim(HttpResponse informational) {
        next.interim(informational);
    }

    @Override
    public void head(HttpResponse head) {
        next.head(head);
    }

    @Override
    public void body(HttpContent part) {
        next.body(part);
    }

    @Override
    public void flush() {
        next.flush();
    }

    @Override
    public void abort(HttpResponseStatus status, String reason) {
        next.abort(status, reason);
    }

    @Override
    public boolean headSent() {
        return next.headSent();
    }
}
