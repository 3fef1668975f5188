package dev.versionobserver.support;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client made by hand on a plain TCP socket, for what real clients do but client libraries hide:
 * staying silent (no pong), not reading at all, connecting from a chosen loopback address, seeing whether the
 * server ended the connection with or without a close frame. Frames per RFC 6455 5.2; client frames are masked.
 */
public final class RawWebSocket implements AutoCloseable {

    public static final int TEXT = 0x1;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;

    /** One server frame (unmasked). */
    public record Frame(int opcode, byte[] payload) {

        /** The close code of a close frame (1005 when it carries none). */
        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }

        public String text() {
            int from = opcode == CLOSE ? Math.min(2, payload.length) : 0;
            return new String(payload, from, payload.length - from, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final String responseHead;

    private RawWebSocket(Socket socket, String responseHead, DataInputStream in) throws IOException {
        this.socket = socket;
        this.in = in;
        this.out = socket.getOutputStream();
        this.responseHead = responseHead;
    }

    /**
     * Connects from {@code localAddress} (a 127.x address, or null for any) to {@code host:port}, sends the upgrade
     * request for {@code path} and reads the response head. {@code receiveBuffer} > 0 shrinks the socket's
     * receive buffer (set before connecting, so the window is small from the start).
     */
    public static RawWebSocket connect(String localAddress, String host, int port, String path, int receiveBuffer)
            throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        if (localAddress != null) {
            socket.bind(new InetSocketAddress(localAddress, 0));
        }
        socket.connect(new InetSocketAddress(host, port), 10_000);
        socket.setSoTimeout(20_000);
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        DataInputStream in = new DataInputStream(socket.getInputStream());
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) in.readUnsignedByte());
        }
        return new RawWebSocket(socket, head.toString().strip(), in);
    }

    public static RawWebSocket connect(String localAddress, String host, int port, String path) throws IOException {
        return connect(localAddress, host, port, path, 0);
    }

    /** The HTTP response head to the upgrade, without the blank line. */
    public String responseHead() {
        return responseHead;
    }

    /** The next server frame; EOFException when the server ended the connection. */
    public Frame next() throws IOException {
        int opcode = in.readUnsignedByte() & 0x0f;
        int length = in.readUnsignedByte() & 0x7f;
        long size = length == 126 ? in.readUnsignedShort() : length == 127 ? in.readLong() : length;
        byte[] payload = new byte[(int) size];
        in.readFully(payload);
        return new Frame(opcode, payload);
    }

    /** The next frame that is not a ping. */
    public Frame nextSkippingPings() throws IOException {
        Frame frame;
        do {
            frame = next();
        } while (frame.opcode() == PING);
        return frame;
    }

    /**
     * Reads until the server ends the connection, within {@code within}; returns the close frame seen on the way,
     * or null if the connection ended without one. Fails on a timeout.
     */
    public Frame readUntilEnd(Duration within) throws IOException {
        long deadline = System.nanoTime() + within.toNanos();
        Frame close = null;
        socket.setSoTimeout((int) Math.max(1, within.toMillis()));
        try {
            while (System.nanoTime() < deadline) {
                Frame frame = next();
                if (frame.opcode() == CLOSE) {
                    close = frame;
                }
            }
        } catch (EOFException | java.net.SocketException e) {
            return close; // ended (FIN or reset)
        } catch (SocketTimeoutException e) {
            // falls through to the failure below
        }
        throw new AssertionError("the server did not end the connection within " + within);
    }

    /** Sends one masked frame (payload below 64 KiB). */
    public void send(int opcode, byte[] payload) throws IOException {
        if (payload.length > 0xffff) {
            throw new IllegalArgumentException("frames below 64 KiB only");
        }
        int lengthBytes = payload.length > 125 ? 2 : 0;
        byte[] frame = new byte[2 + lengthBytes + 4 + payload.length];
        frame[0] = (byte) (0x80 | opcode);
        if (lengthBytes == 0) {
            frame[1] = (byte) (0x80 | payload.length);
        } else {
            frame[1] = (byte) (0x80 | 126);
            frame[2] = (byte) (payload.length >> 8);
            frame[3] = (byte) payload.length;
        }
        int maskAt = 2 + lengthBytes;
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        System.arraycopy(mask, 0, frame, maskAt, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[maskAt + 4 + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        out.write(frame);
    }

    /** Ends the TCP connection without a close frame, like a browser tab that was killed. */
    @Override
    public void close() throws IOException {
        socket.close();
    }
}
