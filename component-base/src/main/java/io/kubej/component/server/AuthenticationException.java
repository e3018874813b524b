package io.kubej.component.server;

/** Credentials were presented and are wrong (a bad certificate, a rejected token): the request gets 401. */
public final class AuthenticationException extends Exception {
    public AuthenticationException(String message) {
        super(message);
    }

    public AuthenticationException(String message, Throwable cause) {
        super(message, cause);
    }
}
