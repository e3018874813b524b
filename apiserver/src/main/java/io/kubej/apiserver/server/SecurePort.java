package io.kubej.apiserver.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.prometheus.metrics.core.metrics.Counter;
import java.util.function.Supplier;

/**
 * What runs between TLS and the request handlers: HTTP/2 when the client offers {@code h2} by
 * ALPN (client-go, kubectl and the fabric8 client do), else HTTP/1.1, as upstream's Go server
 * does. Over HTTP/2 every request is a stream of one connection, so a burst of requests costs
 * one TLS handshake instead of one per request.
 *
 * <p>Both protocols end in the same handlers ({@code BodyLimit} -> {@link HttpDispatcher}):
 * each HTTP/2 stream is a Netty child channel whose frames are turned back into HTTP/1-style
 * messages, so there is one request path. A watch's chunks become DATA frames, its end the end
 * of the stream; a client's RST_STREAM closes the child channel, which ends the watch as a
 * closed HTTP/1.1 connection does. WebSocket upgrades need HTTP/1.1; clients that upgrade
 * (kubectl exec, port-forward) offer only {@code http/1.1}.
 */
final class SecurePort {
    /** h2 first: ALPN picks the first of the server's protocols that the client also offers. */
    static final ApplicationProtocolConfig ALPN = new ApplicationProtocolConfig(
            ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
            ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1);

    /**
     * Upstream's {@code SecureServingInfo.Serve}: with {@code --http2-max-streams-per-connection=0}
     * the server allows 100 concurrent streams (what Go's HTTP/2 client assumes before the
     * server's SETTINGS arrive).
     */
    static final int DEFAULT_MAX_CONCURRENT_STREAMS = 100;

    /** Upstream's frame and per-stream buffer size: 99% of serialized objects fit in 256 KiB, so most POSTs are one frame. */
    static final int MAX_FRAME_SIZE = 256 * 1024;

    /** Upstream's {@code MaxHeaderBytes}: 1 MiB of request headers. */
    static final int MAX_HEADER_LIST_SIZE = 1 << 20;

    /** Not an upstream metric: lets an operator (and the tests) see which protocol clients chose. */
    private static final Counter CONNECTIONS = Counter.builder().name("kubej_apiserver_tls_connections_total")
            .help("Counter of TLS connections to the secure port by the application protocol ALPN chose (h2 or http/1.1).")
            .labelNames("protocol").register();

    private final int maxConcurrentStreams;
    private final Supplier<ChannelHandler[]> requestHandlers;

    /**
     * @param http2MaxStreams {@code --http2-max-streams-per-connection}; 0 or less means {@link #DEFAULT_MAX_CONCURRENT_STREAMS}
     * @param requestHandlers new instances, per HTTP/1.1 connection or HTTP/2 stream, of the handlers that read
     *                        HTTP/1-style messages (body limit, dispatcher)
     */
    SecurePort(int http2MaxStreams, Supplier<ChannelHandler[]> requestHandlers) {
        this.maxConcurrentStreams = http2MaxStreams > 0 ? http2MaxStreams : DEFAULT_MAX_CONCURRENT_STREAMS;
        this.requestHandlers = requestHandlers;
    }

    int maxConcurrentStreams() {
        return maxConcurrentStreams;
    }

    /** A new handler for one connection: waits for the TLS handshake, then sets up the protocol ALPN chose. */
    ChannelHandler negotiation() {
        return new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
            @Override
            protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                CONNECTIONS.labelValues(protocol).inc();
                if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                    http2(ctx);
                } else {
                    ctx.pipeline().addLast("http", new HttpServerCodec()).addLast(requestHandlers.get());
                }
            }

            @Override
            protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
                // a client that gave up on the handshake (or distrusts the certificate) is no server error
                org.slf4j.LoggerFactory.getLogger(SecurePort.class).debug("TLS handshake failed: {}", cause.toString());
                ctx.close();
            }
        };
    }

    /** The SETTINGS the server sends first on every HTTP/2 connection: its limits for the client. */
    Http2Settings settings() {
        return Http2Settings.defaultSettings()
                .maxConcurrentStreams(maxConcurrentStreams)
                .maxFrameSize(MAX_FRAME_SIZE)
                .initialWindowSize(MAX_FRAME_SIZE)
                .maxHeaderListSize(MAX_HEADER_LIST_SIZE);
    }

    private void http2(ChannelHandlerContext ctx) {
        ctx.pipeline().addLast("h2", Http2FrameCodecBuilder.forServer().initialSettings(settings()).build())
                .addLast("h2-streams", new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                    @Override
                    protected void initChannel(Http2StreamChannel stream) {
                        stream.pipeline().addLast("http", new Http2StreamFrameToHttpObjectCodec(true)).addLast(requestHandlers.get());
                    }
                }));
    }

    /** The TCP connection a request came on: the channel itself over HTTP/1.1, the parent of an HTTP/2 stream. */
    static Channel connection(Channel channel) {
        return channel instanceof Http2StreamChannel stream ? stream.parent() : channel;
    }
}
