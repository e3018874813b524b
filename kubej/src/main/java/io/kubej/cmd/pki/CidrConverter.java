package io.kubej.cmd.pki;

import io.kubej.pki.IpAddresses;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --service-cidr}: must be an IP/prefix with room for Service IPs. */
final class CidrConverter implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
        try {
            IpAddresses.firstIp(value);
            return value;
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
