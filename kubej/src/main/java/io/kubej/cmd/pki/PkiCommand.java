package io.kubej.cmd.pki;

import picocli.CommandLine.Command;

/** {@code kubej pki}: the hard way's certificates (placeholder until the pki commands land). */
@Command(name = "pki", description = "Make the cluster's certificates, kubeconfigs and encryption config.")
public final class PkiCommand {
}
