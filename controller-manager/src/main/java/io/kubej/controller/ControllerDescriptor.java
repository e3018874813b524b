package io.kubej.controller;

import java.util.List;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * One entry of the controller manager's list of controllers (upstream:
 * {@code NewControllerDescriptors}): the name {@code --controllers} knows it by, older aliases,
 * how to build it from the shared {@link ControllerContext}, and how many workers it runs.
 *
 * @param name        upstream's name, e.g. {@code replicaset-controller}
 * @param aliases     the short names {@code --controllers} also accepts, e.g. {@code replicaset}
 * @param constructor builds the controller (nothing runs until {@link Controller#run}), or returns null
 *                    when its own flags leave it off, as upstream's init functions answer "not enabled"
 *                    (node IPAM without {@code --allocate-node-cidrs}, CSR signing without a CA)
 * @param workers     the number of workers from the options (e.g. {@code --concurrent-replicaset-syncs})
 */
public record ControllerDescriptor(String name, List<String> aliases,
                                   Function<ControllerContext, Controller> constructor,
                                   ToIntFunction<KubeControllerManager> workers) {
    /** Whether {@code n} names this controller (its name or an alias). */
    public boolean isNamed(String n) {
        return name.equals(n) || aliases.contains(n);
    }
}
