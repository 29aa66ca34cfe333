package fr.coffre.load;

public final class Sizes {
    public static final long KIB = 1024;
    public static final long MIB = 1024 * 1024;
    /** The large documents of the mix. */
    public static final long LARGE_MIN = 5 * MIB;
    public static final long LARGE_MAX = 20 * MIB;

    private Sizes() {
    }

    public static String human(long bytes) {
        if (bytes >= MIB) {
            return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (double) MIB);
        }
        return String.format(java.util.Locale.ROOT, "%.1f KiB", bytes / (double) KIB);
    }
}
