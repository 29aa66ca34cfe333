package fr.coffre.load;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

/** Grows real images to a target size with comment data that decoders skip. */
final class Images {

    private static final int JPEG_SEGMENT_MAX = 65535; // length field, which counts itself

    private Images() {
    }

    /**
     * COM segments right after SOI: the first says what the document is, the others are filler.
     * The result is exactly {@code target} bytes (when the original is smaller).
     */
    static byte[] padJpeg(byte[] original, int target, String label, SplittableRandom random) {
        if ((original[0] & 0xFF) != 0xFF || (original[1] & 0xFF) != 0xD8) {
            throw new IllegalArgumentException("not a JPEG");
        }
        byte[] out = new byte[Math.max(target, original.length + 4 + label.length())];
        out[0] = (byte) 0xFF;
        out[1] = (byte) 0xD8;
        int at = 2;
        byte[] labelBytes = label.getBytes(StandardCharsets.US_ASCII);
        at = comment(out, at, labelBytes.length, random, labelBytes);
        int rest = original.length - 2;
        int need = out.length - at - rest;
        while (need > 0) {
            int segment = Math.min(need, JPEG_SEGMENT_MAX + 2);
            if (need - segment > 0 && need - segment < 5) {
                segment -= 5; // leave room for one more segment of at least one byte
            }
            if (segment < 5) {
                break; // too little to fill with a segment: the image stays a few bytes short
            }
            at = comment(out, at, segment - 4, random, null);
            need -= segment;
        }
        System.arraycopy(original, 2, out, at, rest);
        at += rest;
        return at == out.length ? out : java.util.Arrays.copyOf(out, at);
    }

    private static int comment(byte[] out, int at, int dataLength, SplittableRandom random, byte[] data) {
        int length = dataLength + 2;
        out[at++] = (byte) 0xFF;
        out[at++] = (byte) 0xFE;
        out[at++] = (byte) (length >>> 8);
        out[at++] = (byte) length;
        if (data != null) {
            System.arraycopy(data, 0, out, at, dataLength);
        } else {
            TextFiller.noise(random, out, at, at + dataLength);
        }
        return at + dataLength;
    }

    /** One tEXt chunk (keyword Comment) before IEND; exactly {@code target} bytes. */
    static byte[] padPng(byte[] original, int target, String label, SplittableRandom random) {
        int iend = original.length - 12;
        if (iend < 8 || !new String(original, iend + 4, 4, StandardCharsets.US_ASCII).equals("IEND")) {
            throw new IllegalArgumentException("not a PNG ending with IEND");
        }
        byte[] keyword = "Comment\0".getBytes(StandardCharsets.ISO_8859_1);
        byte[] labelBytes = (label + " ").getBytes(StandardCharsets.US_ASCII);
        int dataLength = Math.max(keyword.length + labelBytes.length, target - original.length - 12);
        byte[] data = new byte[dataLength];
        System.arraycopy(keyword, 0, data, 0, keyword.length);
        System.arraycopy(labelBytes, 0, data, keyword.length, labelBytes.length);
        TextFiller.noise(random, data, keyword.length + labelBytes.length, dataLength);
        ByteBuffer out = ByteBuffer.allocate(original.length + 12 + dataLength);
        out.put(original, 0, iend);
        out.putInt(dataLength);
        byte[] type = "tEXt".getBytes(StandardCharsets.US_ASCII);
        out.put(type);
        out.put(data);
        CRC32 crc = new CRC32();
        crc.update(type);
        crc.update(data);
        out.putInt((int) crc.getValue());
        out.put(original, iend, 12);
        return out.array();
    }
}
