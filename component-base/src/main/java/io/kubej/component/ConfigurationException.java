package io.kubej.component;

/**
 * A flag or config file the user has to fix (a file that is missing or does not parse, a key of
 * the wrong length). Thrown from {@link Component#start()} before anything is started, and
 * reported by {@link ComponentRunner} as one line without a stack trace: the message names the
 * flag or file and says what is wrong, which is all the user needs.
 */
public class ConfigurationException extends Exception {
    public ConfigurationException(String message) {
        super(message);
    }
}
