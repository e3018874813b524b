package io.kubej.bench;

import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The API server's own view of its requests, from {@code apiserver_request_duration_seconds}
 * on /metrics: a client-side latency minus this is what the client, TLS and the network cost.
 */
record ServerTimes(double count, double sumSeconds) {

    /** The histogram's count and sum for one verb (CREATE, LIST, ...) of one resource. */
    static ServerTimes scrape(KubernetesClient api, String verb, String resource) {
        double count = 0;
        double sum = 0;
        for (String line : api.raw("/metrics").split("\n")) {
            if (line.startsWith("apiserver_request_duration_seconds_") && line.contains("resource=\"" + resource + "\"")
                    && line.contains("verb=\"" + verb + "\"")) {
                double v = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                if (line.startsWith("apiserver_request_duration_seconds_count")) {
                    count += v;
                } else if (line.startsWith("apiserver_request_duration_seconds_sum")) {
                    sum += v;
                }
            }
        }
        return new ServerTimes(count, sum);
    }

    /** The mean milliseconds per request between an earlier scrape and this one. */
    double meanMillisSince(ServerTimes before) {
        return (sumSeconds - before.sumSeconds) / (count - before.count) * 1000;
    }
}
