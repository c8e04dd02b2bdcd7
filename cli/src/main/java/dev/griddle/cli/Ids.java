package dev.griddle.cli;

import java.util.UUID;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** An id argument: a UUID, else a usage error naming the value. */
final class Ids implements ITypeConverter<UUID> {

    @Override
    public UUID convert(String value) {
        UUID id = RunnerRef.uuidOrNull(value);
        if (id == null) {
            throw new TypeConversionException("'" + value + "' is not an id (a UUID)");
        }
        return id;
    }
}
