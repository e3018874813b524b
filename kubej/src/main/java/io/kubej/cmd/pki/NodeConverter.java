package io.kubej.cmd.pki;

import io.kubej.pki.ClusterPki;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code worker-0=10.240.0.20} on the command line, checked while parsing so errors name the flag. */
final class NodeConverter implements ITypeConverter<ClusterPki.Node> {
    @Override
    public ClusterPki.Node convert(String value) {
        try {
            return ClusterPki.Node.parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
