package io.kubej.apiserver.authentication;

import java.util.List;

/** Who is asking (upstream {@code user.Info}): a name and groups, from a client certificate or (later) a token. */
public record UserInfo(String name, List<String> groups) {
}
