package io.kubej.cmd;

import picocli.CommandLine.Command;

/** {@code kubej down}: remove what {@code kubej up} made (placeholder until the bring-up lands). */
@Command(name = "down", description = "Stop the cluster kubej up started and remove what it made.")
public final class DownCommand {
}
