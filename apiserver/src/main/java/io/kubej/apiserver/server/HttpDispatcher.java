package io.kubej.apiserver.server;

import io.kubej.apiserver.endpoints.request.ApiRequest;
import io.kubej.apiserver.endpoints.request.ResponseWriter;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.ssl.SslHandler;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The last Netty handler: decodes the HTTP request into an {@link ApiRequest}, reads the
 * client certificate the TLS handshake verified, and hands the request to the handler chain on
 * a virtual thread, so etcd round trips and long watches never block the event loop.
 *
 * <p>A watch asked for over WebSocket (the fabric8 client's first choice) is upgraded here and
 * then streams one text message per event; otherwise a watch is a chunked HTTP response.
 */
final class HttpDispatcher extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final ExecutorService executor;
    private final BiConsumer<ApiRequest, ResponseWriter> chain;

    HttpDispatcher(ExecutorService executor, BiConsumer<ApiRequest, ResponseWriter> chain) {
        this.executor = executor;
        this.chain = chain;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
        QueryStringDecoder qs = new QueryStringDecoder(msg.uri());
        Map<String, String> headers = new HashMap<>();
        // a repeated header (Impersonate-Group) is one comma-separated list, as HTTP defines
        msg.headers().forEach(e -> headers.merge(e.getKey().toLowerCase(), e.getValue(), (a, b) -> a + "," + b));
        byte[] body = ByteBufUtil.getBytes(msg.content());
        Map<String, List<String>> query = qs.parameters();
        io.netty.channel.Channel connection = SecurePort.connection(ctx.channel());
        String remote = connection.remoteAddress() instanceof java.net.InetSocketAddress a ? a.getAddress().getHostAddress() : "";
        ApiRequest req = new ApiRequest(msg.method().name(), qs.path(), query, headers, body, peerCertificates(connection), remote, null);
        boolean http2 = connection != ctx.channel();
        // over HTTP/2 a response ends its stream, never the connection
        boolean keepAlive = http2 || HttpUtil.isKeepAlive(msg);
        ResponseWriter writer;
        if (!http2 && "websocket".equalsIgnoreCase(msg.headers().get(HttpHeaderNames.UPGRADE, ""))) {
            String url = "wss://" + msg.headers().get(HttpHeaderNames.HOST, "localhost") + msg.uri();
            WebSocketServerHandshaker hs = new WebSocketServerHandshakerFactory(url, null, true, 10 * 1024 * 1024)
                    .newHandshaker(msg);
            if (hs == null) {
                WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
                return;
            }
            hs.handshake(ctx.channel(), msg);
            ctx.pipeline().addBefore(ctx.name(), "websocket-control", new WebSocketControlFrames(hs));
            writer = new WebSocketWriter(ctx);
        } else {
            writer = new HttpWriter(ctx, keepAlive);
        }
        executor.execute(() -> chain.accept(req, writer));
    }

    /** The client's certificates, read once per TCP connection (all its HTTP/2 streams share them): asking a session without any throws, which costs a stack trace. */
    private static final io.netty.util.AttributeKey<List<X509Certificate>> PEER_CERTIFICATES =
            io.netty.util.AttributeKey.valueOf("kubej.peerCertificates");

    /** What the client presented in the handshake; the authenticators decide whether it proves anything. */
    private static List<X509Certificate> peerCertificates(io.netty.channel.Channel connection) {
        List<X509Certificate> known = connection.attr(PEER_CERTIFICATES).get();
        if (known == null) {
            known = readPeerCertificates(connection);
            connection.attr(PEER_CERTIFICATES).set(known);
        }
        return known;
    }

    private static List<X509Certificate> readPeerCertificates(io.netty.channel.Channel connection) {
        SslHandler ssl = connection.pipeline().get(SslHandler.class);
        if (ssl == null) {
            return List.of();
        }
        try {
            List<X509Certificate> chain = new java.util.ArrayList<>();
            for (Certificate c : ssl.engine().getSession().getPeerCertificates()) {
                if (c instanceof X509Certificate x) {
                    chain.add(x);
                }
            }
            return List.copyOf(chain);
        } catch (SSLPeerUnverifiedException e) {
            return List.of();
        }
    }

    /** Answers pings and honours a client's close once a connection speaks WebSocket. */
    private static final class WebSocketControlFrames extends io.netty.channel.ChannelInboundHandlerAdapter {
        private final WebSocketServerHandshaker handshaker;

        WebSocketControlFrames(WebSocketServerHandshaker handshaker) {
            this.handshaker = handshaker;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof io.netty.handler.codec.http.websocketx.PingWebSocketFrame ping) {
                ctx.writeAndFlush(new io.netty.handler.codec.http.websocketx.PongWebSocketFrame(ping.content()));
            } else if (msg instanceof CloseWebSocketFrame close) {
                handshaker.close(ctx.channel(), close);
            } else {
                io.netty.util.ReferenceCountUtil.release(msg);
            }
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        org.slf4j.LoggerFactory.getLogger(HttpDispatcher.class).debug("connection error: {}", cause.toString(), cause);
        ctx.close();
    }

    /** Plain HTTP: whole responses, or a chunked stream for a watch. */
    private static final class HttpWriter implements ResponseWriter {
        private final ChannelHandlerContext ctx;
        private final boolean keepAlive;
        private final List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final Map<String, String> headers = new java.util.concurrent.ConcurrentHashMap<>();

        HttpWriter(ChannelHandlerContext ctx, boolean keepAlive) {
            this.ctx = ctx;
            this.keepAlive = keepAlive;
        }

        @Override
        public void warning(String text) {
            warnings.add(text);
        }

        @Override
        public void header(String name, String value) {
            headers.put(name, value);
        }

        @Override
        public void send(int status, String contentType, byte[] body) {
            DefaultFullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.valueOf(status), Unpooled.wrappedBuffer(body));
            resp.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
            for (String w : warnings) {
                resp.headers().add("Warning", "299 - \"" + w.replace("\"", "\\\"") + "\"");
            }
            resp.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
            resp.headers().set("Cache-Control", "no-cache, private");
            headers.forEach(resp.headers()::set);
            if (keepAlive) {
                resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                ctx.writeAndFlush(resp);
            } else {
                ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public Stream startStream(String contentType) {
            DefaultHttpResponse resp = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            resp.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
            resp.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            resp.headers().set("Cache-Control", "no-cache, private");
            ctx.writeAndFlush(resp);
            // Each frame is one chunk; the empty last chunk ends the response (and the connection
            // too when the client asked for Connection: close).
            return new ChannelStream(ctx, frame -> new DefaultHttpContent(Unpooled.wrappedBuffer(frame)),
                    () -> LastHttpContent.EMPTY_LAST_CONTENT, !keepAlive);
        }
    }

    /** WebSocket: a watch's events as text messages; an error before streaming is one ERROR event. */
    private record WebSocketWriter(ChannelHandlerContext ctx) implements ResponseWriter {
        @Override
        public void warning(String text) {
            // a WebSocket watch has no response headers to carry a warning
        }

        @Override
        public void send(int status, String contentType, byte[] body) {
            String event = status >= 400
                    ? "{\"type\":\"ERROR\",\"object\":" + new String(body, StandardCharsets.UTF_8) + "}"
                    : new String(body, StandardCharsets.UTF_8);
            ctx.writeAndFlush(new TextWebSocketFrame(event));
            ctx.writeAndFlush(new CloseWebSocketFrame()).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public Stream startStream(String contentType) {
            // Each frame is one text message; a close frame ends the stream and the connection.
            return new ChannelStream(ctx, frame -> new TextWebSocketFrame(Unpooled.wrappedBuffer(frame)),
                    CloseWebSocketFrame::new, true);
        }
    }

    /**
     * A watch stream over one connection, the same for both transports except how a frame is
     * wrapped and what ends the stream. {@link #closed()} completes when the client goes away,
     * which is how the watch learns to stop (and cancel its etcd watch).
     */
    private static final class ChannelStream implements ResponseWriter.Stream {
        static final long SLOW_CLIENT_TIMEOUT_MS = 30_000;
        /** Not an upstream metric: the watches whose client is still connected, by transport; each ends when its channel closes. */
        private static final io.prometheus.metrics.core.metrics.Gauge OPEN = io.prometheus.metrics.core.metrics.Gauge.builder()
                .name("kubej_apiserver_open_watch_streams")
                .help("Number of watch responses still streaming, by transport (h2 stream, http/1.1 chunked, websocket).")
                .labelNames("transport").register();
        private final ChannelHandlerContext ctx;
        private final Function<byte[], Object> wrap;
        private final Supplier<Object> end;
        private final boolean closeConnectionAtEnd;
        private final CompletableFuture<Void> closed = new CompletableFuture<>();
        private final java.util.concurrent.atomic.AtomicBoolean counted = new java.util.concurrent.atomic.AtomicBoolean(true);
        private final Runnable unregister;

        ChannelStream(ChannelHandlerContext ctx, Function<byte[], Object> wrap, Supplier<Object> end, boolean closeConnectionAtEnd) {
            this.ctx = ctx;
            this.wrap = wrap;
            this.end = end;
            this.closeConnectionAtEnd = closeConnectionAtEnd;
            // an HTTP/2 stream's channel closes on the client's RST_STREAM or the stream's end, a connection's on its close
            ctx.channel().closeFuture().addListener(f -> closed.complete(null));
            var open = OPEN.labelValues(ctx.channel() instanceof io.netty.handler.codec.http2.Http2StreamChannel ? "h2"
                    : ctx.pipeline().get(WebSocketControlFrames.class) != null ? "websocket" : "http/1.1");
            open.inc();
            this.unregister = () -> {
                if (counted.compareAndSet(true, false)) {
                    open.dec();
                }
            };
            closed.thenRun(unregister);
        }

        /**
         * Writes one frame, respecting Netty's backpressure: while the socket's buffer is over
         * its high-water mark the watch waits for the client to read; a client that reads
         * nothing for {@link #SLOW_CLIENT_TIMEOUT_MS} is cut off rather than buffered without bound.
         */
        @Override
        public boolean write(byte[] frame) {
            long deadline = System.currentTimeMillis() + SLOW_CLIENT_TIMEOUT_MS;
            while (ctx.channel().isActive() && !ctx.channel().isWritable()) {
                if (System.currentTimeMillis() > deadline) {
                    org.slf4j.LoggerFactory.getLogger(HttpDispatcher.class).info("closing a watch whose client stopped reading");
                    ctx.close();
                    return false;
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            if (!ctx.channel().isActive()) {
                return false;
            }
            ctx.writeAndFlush(wrap.apply(frame));
            return true;
        }

        @Override
        public CompletableFuture<Void> closed() {
            return closed;
        }

        @Override
        public void close() {
            unregister.run();
            if (ctx.channel().isActive()) {
                ChannelFuture written = ctx.writeAndFlush(end.get());
                if (closeConnectionAtEnd) {
                    written.addListener(ChannelFutureListener.CLOSE);
                }
            }
        }
    }
}
