package dev.griddle.server.outbound;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;

/**
 * The host names in the server's own configuration: every URL-valued {@code griddle.*} and
 * {@code spring.datasource.*} setting, from any source (environment variables included). The
 * operator chose these (the database, the OTLP collector, a model provider on the private
 * network), so the JVM-wide resolver does not judge them; tenants cannot set them.
 */
final class ConfiguredHosts {

    private ConfiguredHosts() {
    }

    static Set<String> of(ConfigurableEnvironment env) {
        Set<String> hosts = new TreeSet<>();
        for (PropertySource<?> source : env.getPropertySources()) {
            if (!(source instanceof EnumerablePropertySource<?> names)) {
                continue;
            }
            for (String name : names.getPropertyNames()) {
                String key = name.toLowerCase(Locale.ROOT).replace('_', '.');
                if (key.startsWith("griddle.") || key.startsWith("spring.datasource.")) {
                    Object value = source.getProperty(name);
                    if (value != null) {
                        hosts.addAll(hostsIn(value.toString()));
                    }
                }
            }
        }
        return hosts;
    }

    /**
     * The hosts of a URL, including JDBC URLs with several hosts
     * ({@code jdbc:postgresql://a:5432,b:5433/db}); none when the value is not a URL.
     */
    static Set<String> hostsIn(String value) {
        Set<String> hosts = new TreeSet<>();
        int scheme = value.indexOf("://");
        if (scheme < 0) {
            return hosts;
        }
        String rest = value.substring(scheme + 3);
        int end = rest.length();
        for (char c : new char[] {'/', '?', '#'}) {
            int i = rest.indexOf(c);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        String authority = rest.substring(0, end);
        authority = authority.substring(authority.lastIndexOf('@') + 1);
        for (String part : authority.split(",")) {
            String host = part.startsWith("[") && part.indexOf(']') > 0 ? part.substring(1, part.indexOf(']'))
                    : part.contains(":") ? part.substring(0, part.indexOf(':')) : part;
            if (!host.isBlank()) {
                hosts.add(host.trim().toLowerCase(Locale.ROOT));
            }
        }
        return hosts;
    }
}
