package dev.griddle.server.web;

import java.io.IOException;

/** Thrown by the limited request stream once a body passes the configured size. */
final class PayloadTooLargeException extends IOException {

    private final long limitBytes;

    PayloadTooLargeException(long limitBytes) {
        super("request body exceeds " + limitBytes + " bytes");
        this.limitBytes = limitBytes;
    }

    long limitBytes() {
        return limitBytes;
    }
}
