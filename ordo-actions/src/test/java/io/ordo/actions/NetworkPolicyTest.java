package io.ordo.actions;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Checks of literal addresses only: nothing here connects anywhere. */
class NetworkPolicyTest {

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal); // a literal: no lookup
    }

    @Test
    void defaultsDenyLinkLocalAndMetadata() throws Exception {
        NetworkPolicy p = NetworkPolicy.defaults();
        for (String denied : new String[]{"169.254.169.254", "169.254.1.1", "fe80::1", "fd00:ec2::254", "100.100.100.200",
                "::ffff:169.254.169.254", "64:ff9b::a9fe:a9fe", "::a9fe:a9fe"}) {
            assertThat(p.violation(ip(denied))).as(denied).isNotNull();
        }
        for (String allowed : new String[]{"127.0.0.1", "::1", "10.0.0.1", "192.168.1.1", "8.8.8.8", "100.100.100.201", "fd00:ec2::253"}) {
            assertThat(p.violation(ip(allowed))).as(allowed).isNull();
        }
    }

    @Test
    void strictDeniesLoopbackAndPrivateRangesAndAllowOverrides() throws Exception {
        NetworkPolicy p = NetworkPolicy.strict();
        for (String denied : new String[]{"127.0.0.1", "::1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.0.1", "0.0.0.0",
                "fc00::1", "100.64.0.1", "169.254.169.254"}) {
            assertThat(p.violation(ip(denied))).as(denied).isNotNull();
        }
        assertThat(p.violation(ip("172.32.0.1"))).isNull();
        assertThat(p.violation(ip("8.8.8.8"))).isNull();
        NetworkPolicy withLoopback = p.allow("127.0.0.0/8");
        assertThat(withLoopback.violation(ip("127.0.0.1"))).isNull();
        assertThat(withLoopback.violation(ip("10.0.0.1"))).isNotNull();
        assertThat(NetworkPolicy.defaults().deny("10.0.0.0/8").violation(ip("10.9.9.9"))).contains("10.0.0.0/8");
    }

    @Test
    void checksEveryAddressOfAHost() throws Exception {
        NetworkPolicy p = NetworkPolicy.defaults();
        InetAddress[] mixed = {ip("93.184.216.34"), ip("169.254.169.254")};
        assertThatThrownBy(() -> p.check("evil.example", mixed)).isInstanceOf(NetworkPolicy.DeniedAddressException.class)
                .hasMessageContaining("host evil.example resolves to 169.254.169.254 is in denied range 169.254.0.0/16");
        assertThatThrownBy(() -> p.resolve("169.254.169.254")).isInstanceOf(NetworkPolicy.DeniedAddressException.class)
                .hasMessageContaining("address 169.254.169.254");
        assertThatThrownBy(() -> p.resolve("[fe80::1]")).isInstanceOf(NetworkPolicy.DeniedAddressException.class);
    }

    @Test
    void badRangesAreRejected() {
        assertThatThrownBy(() -> NetworkPolicy.defaults().deny("example.com")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NetworkPolicy.defaults().deny("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void urlNormalization() {
        assertThat(Urls.normalize("HTTP://Example.COM:80/a/./b/../c?x=1#frag")).isEqualTo("http://example.com/a/c?x=1");
        assertThat(Urls.normalize("https://example.com:443")).isEqualTo("https://example.com/");
        assertThat(Urls.normalize("http://example.com:8080/a b")).isEqualTo("http://example.com:8080/a%20b");
        assertThat(Urls.normalize("mailto:a@b.c")).isNull();
        assertThat(Urls.normalize("javascript:alert(1)")).isNull();
        assertThat(Urls.normalize("/relative")).isNull();
        String longUrl = "http://example.com/" + "x".repeat(400);
        assertThat(Urls.key("crawl:s:", longUrl)).startsWith("crawl:s:sha256:").hasSizeLessThanOrEqualTo(255);
        assertThat(Urls.key("crawl:s:", "http://example.com/")).isEqualTo("crawl:s:http://example.com/");
    }
}
