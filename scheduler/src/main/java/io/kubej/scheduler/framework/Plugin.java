package io.kubej.scheduler.framework;

/** A scheduling framework plugin; its name is the upstream one (e.g. NodeResourcesFit). */
public interface Plugin {
    String name();
}
