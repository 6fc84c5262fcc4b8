package dev.ferry.config;

import java.util.List;

/** Default values shared by several records. */
final class Defaults {

    /** 127.0.0.0/8 and ::1/128. */
    static final List<Cidr> LOOPBACK_CLIENTS = List.of(
            new Cidr(new byte[] {127, 0, 0, 0}, 8),
            new Cidr(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 128));

    private Defaults() {
    }
}
