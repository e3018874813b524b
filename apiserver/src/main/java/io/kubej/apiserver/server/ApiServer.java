package io.kubej.apiserver.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.StatusError;
import io.kubej.apiserver.audit.Auditor;
import io.kubej.apiserver.authentication.Authenticator;
import io.kubej.apiserver.authentication.Impersonation;
import io.kubej.apiserver.authentication.UserInfo;
import io.kubej.apiserver.authorization.Authorizer;
import io.kubej.apiserver.endpoints.discovery.Discovery;
import io.kubej.apiserver.endpoints.handlers.ResourceHandler;
import io.kubej.apiserver.endpoints.openapi.OpenApiDocuments;
import io.kubej.apiserver.endpoints.request.ApiRequest;
import io.kubej.apiserver.endpoints.request.RequestInfo;
import io.kubej.apiserver.endpoints.request.ResponseWriter;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The secure port: Netty with TLS (client certificates optional, trusted from
 * {@code --client-ca-file}) -> HTTP/2 or HTTP/1.1 as ALPN chose ({@link SecurePort}) ->
 * aggregator -> {@link HttpDispatcher}, which runs
 * the handler chain of upstream's {@code DefaultBuildHandlerChain} as named steps:
 * authenticate -> authorize -> route (non-resource paths, discovery, or a resource verb, where
 * admission, validation and storage happen) -> encode.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
    private static final Counter REQUESTS = Counter.builder().name("apiserver_request_total")
            .help("Counter of apiserver requests broken out by verb, resource and HTTP response code.")
            .labelNames("verb", "group", "resource", "subresource", "code").register();

    /** Server-side latency of every request but watches (long-running, left out as upstream does). */
    private static final io.prometheus.metrics.core.metrics.Histogram DURATION = io.prometheus.metrics.core.metrics.Histogram.builder()
            .name("apiserver_request_duration_seconds")
            .help("Response latency distribution in seconds for each verb, group, resource and subresource.")
            .classicUpperBounds(0.001, 0.002, 0.004, 0.006, 0.008, 0.01, 0.015, 0.02, 0.03, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
            .labelNames("verb", "group", "resource", "subresource").register();

    /**
     * Where a request without credentials is let in as {@code system:anonymous} (with
     * {@code --anonymous-auth}, upstream's AuthenticationConfiguration anonymous conditions):
     * the health and version paths that system:public-info-viewer lets anyone read. Any other
     * request without credentials is 401, as the hard way expects.
     */
    private static final java.util.Set<String> ANONYMOUS_PATHS = java.util.Set.of("/healthz", "/livez", "/readyz", "/version", "/version/");

    private final EventLoopGroup boss = new NioEventLoopGroup(1);
    private final EventLoopGroup workers = new NioEventLoopGroup(2);
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final ResourceHandler resources;
    private final Discovery discovery;
    private final OpenApiDocuments openApi;
    private final Authenticator authenticator;
    private final boolean anonymousAuth;
    private final Authorizer authorizer;
    private final Impersonation impersonation;
    private final Auditor auditor;
    private final BooleanSupplier ready;
    private Channel channel;

    /**
     * @param openApi       the OpenAPI documents of what is served
     * @param authenticator the union of {@code --client-ca-file}'s and the token authenticators
     * @param anonymousAuth {@code --anonymous-auth}: requests without credentials to the health paths run as system:anonymous
     * @param authorizer    the modes of {@code --authorization-mode}, in order
     * @param auditor       {@code --audit-policy-file} and {@code --audit-log-path}
     */
    public ApiServer(ResourceHandler resources, Discovery discovery, OpenApiDocuments openApi, Authenticator authenticator,
                     boolean anonymousAuth, Authorizer authorizer, Auditor auditor, BooleanSupplier ready) {
        this.resources = resources;
        this.discovery = discovery;
        this.openApi = openApi;
        this.authenticator = authenticator;
        this.anonymousAuth = anonymousAuth;
        this.authorizer = authorizer;
        this.impersonation = new Impersonation(authorizer);
        this.auditor = auditor;
        this.ready = ready;
    }

    /**
     * Binds the secure port.
     *
     * @param maxRequestBodyBytes {@code --max-request-body-bytes}: a larger body is answered 413 without being read
     * @param http2MaxStreams     {@code --http2-max-streams-per-connection}; 0 means the server's default
     */
    public void start(String bindAddress, int port, File certFile, File keyFile, File clientCaFile, int maxRequestBodyBytes,
                      int http2MaxStreams) throws Exception {
        SslContextBuilder ssl = SslContextBuilder.forServer(certFile, keyFile)
                .applicationProtocolConfig(SecurePort.ALPN);
        if (clientCaFile != null) {
            // ask for a certificate, accept any: X509Authenticator judges it, so a bad one is a 401, not a failed handshake
            ssl.trustManager(new RequestClientCertificate(clientCaFile)).clientAuth(ClientAuth.OPTIONAL);
        }
        SslContext sslContext = ssl.build();
        SecurePort securePort = new SecurePort(http2MaxStreams, () -> new ChannelHandler[] {
                new BodyLimit(maxRequestBodyBytes), new HttpDispatcher(executor, ApiServer.this::serve)});
        ServerBootstrap b = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast("tls", sslContext.newHandler(ch.alloc()))
                                .addLast("alpn", securePort.negotiation());
                    }
                });
        channel = b.bind(new InetSocketAddress(bindAddress, port)).sync().channel();
        log.info("serving securely on {}:{} (HTTP/2 and HTTP/1.1, at most {} streams per HTTP/2 connection)",
                bindAddress, port(), securePort.maxConcurrentStreams());
    }

    /** Aggregates a request's body up to the limit; past it, upstream's 413 as a metav1.Status, and the connection closes. */
    static final class BodyLimit extends HttpObjectAggregator {
        private final int limit;

        BodyLimit(int limit) {
            super(limit);
            this.limit = limit;
        }

        @Override
        protected void handleOversizedMessage(io.netty.channel.ChannelHandlerContext ctx, io.netty.handler.codec.http.HttpMessage oversized) {
            ctx.writeAndFlush(tooLarge()).addListener(io.netty.channel.ChannelFutureListener.CLOSE);
        }

        /** A client that asked "Expect: 100-continue" for a too large body gets the same Status instead of Netty's empty 413. */
        @Override
        protected Object newContinueResponse(io.netty.handler.codec.http.HttpMessage start, int maxContentLength,
                                             io.netty.channel.ChannelPipeline pipeline) {
            Object answer = super.newContinueResponse(start, maxContentLength, pipeline);
            if (answer instanceof io.netty.handler.codec.http.HttpResponse r
                    && r.status().code() == io.netty.handler.codec.http.HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.code()) {
                io.netty.util.ReferenceCountUtil.release(answer);
                return tooLarge();
            }
            return answer;
        }

        private io.netty.handler.codec.http.FullHttpResponse tooLarge() {
            byte[] body = Json.bytes(StatusError.requestEntityTooLarge(limit).toStatus());
            var resp = new io.netty.handler.codec.http.DefaultFullHttpResponse(io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
                    io.netty.handler.codec.http.HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, io.netty.buffer.Unpooled.wrappedBuffer(body));
            resp.headers().set("Content-Type", "application/json").setInt("Content-Length", body.length).set("Connection", "close");
            return resp;
        }
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** The handler chain for one request. */
    void serve(ApiRequest request, ResponseWriter out) {
        long started = System.nanoTime();
        ApiRequest req = request;
        RequestInfo info = RequestInfo.parse(req.method(), req.path(), "true".equals(req.param("watch")) || "1".equals(req.param("watch")))
                .withNameFromFieldSelector(req.param("fieldSelector"));
        int[] code = {200};
        byte[][] answer = {null};
        Auditor.Recorder[] audit = {Auditor.Recorder.NOTHING};
        ResponseWriter counting = new ResponseWriter() {
            @Override
            public void send(int status, String contentType, byte[] body) {
                code[0] = status;
                answer[0] = body;
                out.send(status, contentType, body);
            }

            @Override
            public void warning(String text) {
                out.warning(text);
            }

            @Override
            public void header(String name, String value) {
                out.header(name, value);
            }

            @Override
            public Stream startStream(String contentType) {
                audit[0].started(200);
                return out.startStream(contentType);
            }
        };
        io.kubej.apiserver.admission.Warnings.bind(counting::warning);
        try {
            UserInfo authenticated = authenticate(req);
            req = req.withUser(impersonation.effectiveUser(req, authenticated));
            audit[0] = auditor.begin(req, info, authenticated, req.user());
            authorize(req.user(), info);
            route(req, info, counting);
        } catch (StatusError e) {
            counting.send(e.code(), "application/json", Json.bytes(e.toStatus()));
        } catch (RuntimeException e) {
            log.warn("{} {}: {}", req.method(), req.path(), e.toString(), e);
            StatusError err = StatusError.internal(String.valueOf(e.getMessage()));
            counting.send(500, "application/json", Json.bytes(err.toStatus()));
        } finally {
            io.kubej.apiserver.admission.Warnings.unbind();
            audit[0].completed(code[0], answer[0]);
            log.debug("{} {} {} user={} agent=\"{}\"{}", req.method(), req.path(), code[0],
                    req.user() == null ? "-" : req.user().name(), req.header("user-agent"),
                    req.header("upgrade").isEmpty() ? "" : " upgrade=" + req.header("upgrade"));
            REQUESTS.labelValues(info.verb().toUpperCase(), info.group(), info.resource(), info.subresource(), Integer.toString(code[0])).inc();
            if (!info.verb().equals("watch")) {
                DURATION.labelValues(info.verb().toUpperCase(), info.group(), info.resource(), info.subresource())
                        .observe((System.nanoTime() - started) / 1e9);
            }
        }
    }

    /** Authentication step: the first authenticator that recognises the credentials names the user. */
    private UserInfo authenticate(ApiRequest req) {
        return authenticator.authenticate(req)
                .or(() -> anonymousAuth && ANONYMOUS_PATHS.contains(req.path()) ? java.util.Optional.of(UserInfo.anonymous())
                        : java.util.Optional.empty())
                .orElseThrow(StatusError::unauthorized);
    }

    /** Authorization step: refused requests get upstream's 403 wording, which names the verb, resource and scope. */
    private void authorize(UserInfo user, RequestInfo info) {
        if (authorizer.allows(user, info)) {
            return;
        }
        if (!info.resourceRequest()) {
            String path = "/" + String.join("/", info.parts());
            throw new StatusError(403, "Forbidden", "forbidden: User \"" + user.name() + "\" cannot " + info.verb() + " path \"" + path + "\"", null);
        }
        String resource = info.subresource().isEmpty() ? info.resource() : info.resource() + "/" + info.subresource();
        String scope = info.namespace().isEmpty() ? "at the cluster scope" : "in the namespace \"" + info.namespace() + "\"";
        String why = "User \"" + user.name() + "\" cannot " + info.verb() + " resource \"" + resource + "\" in API group \""
                + info.group() + "\" " + scope;
        throw StatusError.forbiddenOn(info.group(), info.resource(), info.name(), why);
    }

    private void route(ApiRequest req, RequestInfo info, ResponseWriter out) {
        if (info.resourceRequest()) {
            if (info.group().isEmpty() && info.resource().equals("bindings") && info.verb().equals("create")) {
                resources.legacyBinding(req, info, out);
                return;
            }
            resources.handle(req, info, out);
            return;
        }
        String path = req.path().replaceAll("/+$", "");
        switch (path) {
            case "/version" -> json(out, version());
            case "/api", "/apis" -> {
                String aggregated = aggregatedDiscoveryVersion(req.header("accept"));
                if (aggregated != null) {
                    out.send(200, "application/json;g=apidiscovery.k8s.io;v=" + aggregated + ";as=APIGroupDiscoveryList",
                            Json.bytes(discovery.aggregated(path.equals("/api"), "apidiscovery.k8s.io/" + aggregated)));
                } else {
                    json(out, path.equals("/api") ? discovery.apiVersions() : discovery.apiGroupList());
                }
            }
            case "/healthz", "/livez" -> text(out, 200, "ok");
            case "/readyz" -> {
                boolean isReady = ready.getAsBoolean(); // one etcd round trip decides both code and body
                text(out, isReady ? 200 : 503, isReady ? "ok" : "[-]etcd failed");
            }
            case "/metrics" -> metrics(out);
            case "/openapi/v2" -> openApi(req, out, openApi.v2(OpenApiDocuments.wantsProtobuf(req.header("accept"))));
            case "/openapi/v3" -> openApi(req, out, openApi.v3Root());
            default -> {
                if (path.startsWith("/openapi/v3/")) {
                    OpenApiDocuments.Document d = openApi.v3(path.substring("/openapi/v3/".length()));
                    if (d == null) {
                        throw StatusError.pathNotFound();
                    }
                    openApi(req, out, d);
                    return;
                }
                ObjectNode doc = path.startsWith("/api/") || path.startsWith("/apis/")
                        ? discovery.resourceList(path.replaceFirst("^/apis?/", "")) : null;
                if (doc == null) {
                    throw StatusError.pathNotFound();
                }
                json(out, doc);
            }
        }
    }

    /**
     * The aggregated-discovery version a client's Accept asks for first (kubectl 1.27-1.29 list
     * v2beta1, later ones v2 then v2beta1), or null for the classic documents. Only a reply whose
     * Content-Type repeats g, v and as counts as aggregated for the client.
     */
    static String aggregatedDiscoveryVersion(String accept) {
        for (String part : accept.split(",")) {
            String p = part.replace(" ", "");
            if (p.contains("g=apidiscovery.k8s.io") && p.contains("as=APIGroupDiscoveryList")) {
                if (p.contains("v=v2;") || p.endsWith("v=v2")) {
                    return "v2";
                }
                if (p.contains("v=v2beta1")) {
                    return "v2beta1";
                }
            }
        }
        return null;
    }

    private static ObjectNode version() {
        ObjectNode v = Json.object();
        v.put("major", "1").put("minor", "32").put("gitVersion", "v1.32.0-kubej").put("gitCommit", "kubej")
                .put("gitTreeState", "clean").put("buildDate", "2026-01-01T00:00:00Z")
                .put("goVersion", "java" + Runtime.version().feature()).put("compiler", "javac")
                .put("platform", "linux/amd64");
        return v;
    }

    /** An OpenAPI document with its ETag; 304 without a body when the client's copy (If-None-Match) is current. */
    private static void openApi(ApiRequest req, ResponseWriter out, OpenApiDocuments.Document doc) {
        out.header("ETag", doc.etag());
        if (java.util.Arrays.asList(req.header("if-none-match").split("\\s*,\\s*")).contains(doc.etag())) {
            out.send(304, doc.contentType(), new byte[0]);
            return;
        }
        out.send(200, doc.contentType(), doc.body());
    }

    private static void json(ResponseWriter out, ObjectNode body) {
        out.send(200, "application/json", Json.bytes(body));
    }

    private static void text(ResponseWriter out, int code, String body) {
        out.send(code, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
    }

    private static void metrics(ResponseWriter out) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            new PrometheusTextFormatWriter(false).write(buf, PrometheusRegistry.defaultRegistry.scrape());
        } catch (IOException e) {
            throw StatusError.internal(e.getMessage());
        }
        out.send(200, PrometheusTextFormatWriter.CONTENT_TYPE, buf.toByteArray());
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        boss.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
        executor.shutdownNow();
    }
}
