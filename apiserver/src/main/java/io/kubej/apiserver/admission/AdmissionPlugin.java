package io.kubej.apiserver.admission;

/**
 * One admission plugin (upstream {@code admission.Interface}): it may refuse a request by
 * throwing a StatusError, or change the object (a mutating plugin), before validation and
 * storage. Plugins run in order on every mutating request.
 */
@FunctionalInterface
public interface AdmissionPlugin {
    void admit(Attributes attributes);
}
