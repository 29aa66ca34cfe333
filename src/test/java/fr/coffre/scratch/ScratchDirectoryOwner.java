package fr.coffre.scratch;

import java.io.IOException;
import java.nio.file.Path;

/** Another process's scratch directory, for {@link ScratchDirectoryTest}: says where it is, then holds it until killed. */
public final class ScratchDirectoryOwner {

    private ScratchDirectoryOwner() {}

    public static void main(String[] args) throws IOException {
        ScratchDirectory scratch = new ScratchDirectory(Path.of(args[0]));
        System.out.println(scratch.directory());
        System.out.flush();
        System.in.read();
    }
}
