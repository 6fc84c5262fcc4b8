package dev.ferry.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ferry.config.ConfigLoader;
import dev.ferry.server.FerryServer;
import dev.ferry.server.StartException;
import dev.ferry.testing.TestFerry;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** The admin listener's life: there only when configured, bound with the others or not at all. */
class AdminListenerTest {

    private static final String LISTENER = """
            listeners:
              - name: proxy
                bind: 127.0.0.1:0
                forward_proxy: {}
            """;

    @Test
    void noAdminSectionNoAdminListener() {
        try (TestFerry ferry = TestFerry.start(LISTENER)) {
            assertThat(ferry.server().adminAddress()).isEmpty();
            assertThat(ferry.server().ready()).isTrue();
        }
    }

    @Test
    void anAdminAddressInUseStopsTheStartWithItsPath() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String yaml = LISTENER + "admin: { bind: 127.0.0.1:" + taken.getLocalPort() + " }\n";
            StartException e = catchThrowableOfType(StartException.class,
                    () -> FerryServer.start(ConfigLoader.parse(yaml, "test.yaml")));
            assertThat(e).isNotNull();
            assertThat(e.getMessage()).startsWith("admin.bind: cannot bind 127.0.0.1:" + taken.getLocalPort() + ": ");
        }
    }
}
