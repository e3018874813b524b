package io.kubej.apiserver.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.http2.Http2Settings;
import org.junit.jupiter.api.Test;

class SecurePortTest {
    private static SecurePort withMaxStreams(int flag) {
        return new SecurePort(flag, () -> new ChannelHandler[0]);
    }

    @Test
    void zeroMaxStreamsMeansUpstreamsDefaultOfOneHundred() {
        assertThat(withMaxStreams(0).settings().maxConcurrentStreams()).isEqualTo(100L);
        assertThat(withMaxStreams(0).maxConcurrentStreams()).isEqualTo(100);
    }

    @Test
    void aPositiveMaxStreamsIsWhatTheServerAnnounces() {
        assertThat(withMaxStreams(7).settings().maxConcurrentStreams()).isEqualTo(7L);
    }

    @Test
    void framesAndPerStreamWindowAre256KibAndHeadersAtMostOneMib() {
        Http2Settings settings = withMaxStreams(0).settings();

        assertThat(settings.maxFrameSize()).isEqualTo(256 * 1024);
        assertThat(settings.initialWindowSize()).isEqualTo(256 * 1024);
        assertThat(settings.maxHeaderListSize()).isEqualTo(1L << 20);
    }

    @Test
    void alpnOffersH2BeforeHttp11() {
        assertThat(SecurePort.ALPN.supportedProtocols()).containsExactly("h2", "http/1.1");
    }
}
