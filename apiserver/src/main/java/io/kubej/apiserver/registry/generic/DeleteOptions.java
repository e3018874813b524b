package io.kubej.apiserver.registry.generic;

/**
 * What a delete asks for (upstream {@code metav1.DeleteOptions}).
 *
 * @param gracePeriodSeconds null for the object's own default
 * @param propagationPolicy  Background (the default when null), Foreground or Orphan: what the
 *                           garbage collector does with the object's dependents
 * @param preconditionUid    delete only that incarnation of the name
 */
public record DeleteOptions(Long gracePeriodSeconds, String propagationPolicy, String preconditionUid,
                            String preconditionResourceVersion, boolean dryRun) {
    public static final DeleteOptions DEFAULT = new DeleteOptions(null, null, null, null, false);
}
