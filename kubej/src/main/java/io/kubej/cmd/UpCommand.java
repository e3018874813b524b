package io.kubej.cmd;

import picocli.CommandLine.Command;

/** {@code kubej up}: bring up a single-node cluster (placeholder until the bring-up lands). */
@Command(name = "up", description = "Bring up a single-node kubej cluster on this machine.")
public final class UpCommand {
}
