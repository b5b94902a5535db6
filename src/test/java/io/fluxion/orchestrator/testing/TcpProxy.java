package io.fluxion.orchestrator.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on 127.0.0.1 in front of a store, for fault injection: refuse connections, cut
 * every connection after a number of bytes from the server (a drop mid-chunk), slow the store down,
 * or stall it (the query arrives, no answer ever comes back).
 */
public final class TcpProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final int targetPort;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicLong dropAfterBytes = new AtomicLong(-1);
    private volatile int dropFromConnection = 1;
    private volatile boolean refuse;
    private volatile boolean closed;

    private volatile long slowMillis;
    private volatile long stallAfterRequestBytes = -1;
    /** Refusals and stalls apply to connections numbered this and later (1-based). */
    private volatile int faultsFromConnection = 1;

    public TcpProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "tcp-proxy-" + listener.getLocalPort());
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Connections accepted so far (refused ones included). */
    public int connections() {
        return connections.get();
    }

    /** Every new connection is closed at once (the store "refuses"). */
    public void refuse(boolean r) {
        refuse = r;
    }

    /** Every connection is cut after this many bytes from the server; -1 turns it off. */
    public void dropAfterBytes(long bytes) {
        dropAfterBytes.set(bytes);
    }

    /** Connections numbered {@code n} and later (1-based) are cut after {@code bytes}; earlier ones pass untouched. */
    public void dropFrom(int n, long bytes) {
        dropFromConnection = n;
        dropAfterBytes.set(bytes);
    }

    /** Each read from the store towards the client waits this long first: a slow store (0: off). */
    public void slow(java.time.Duration perRead) {
        slowMillis = perRead.toMillis();
    }

    /**
     * While on, a connection whose client has sent at least {@code requestBytes} (past the login: the chunk query)
     * gets nothing more from the store (held, never dropped): a source that accepts the query and never answers,
     * the connection left open. -1 turns it off (what was held then flows); closing the proxy cuts the connections.
     */
    public void stallAfterRequestBytes(long requestBytes) {
        stallAfterRequestBytes = requestBytes;
    }

    /**
     * {@link #refuse} and {@link #stallAfterRequestBytes} apply only to connections numbered {@code n} and later
     * (1-based): e.g. 2 lets the window's connectivity probe at its start (one connection per store) through and
     * faults the load's connections.
     */
    public void faultsFrom(int n) {
        faultsFromConnection = n;
    }

    /** Cuts every open connection now. */
    public void cutAll() {
        for (Socket s : open) {
            closeQuietly(s);
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                int number = connections.incrementAndGet();
                boolean faulty = number >= faultsFromConnection;
                if (refuse && faulty) {
                    closeQuietly(client);
                    continue;
                }
                Socket server = new Socket();
                server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5000);
                open.add(client);
                open.add(server);
                long limit = number >= dropFromConnection ? dropAfterBytes.get() : -1;
                AtomicLong requestBytes = new AtomicLong();
                pipe(client, server, -1, false, requestBytes, faulty);
                pipe(server, client, limit, true, requestBytes, faulty);
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void pipe(Socket from, Socket to, long limit, boolean fromStore, AtomicLong requestBytes, boolean faulty) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            long total = 0;
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (!fromStore) {
                        requestBytes.addAndGet(n);
                    }
                    while (fromStore && faulty && !closed && stallAfterRequestBytes >= 0
                            && requestBytes.get() >= stallAfterRequestBytes) {
                        try {
                            Thread.sleep(20);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            break;
                        }
                    }
                    if (fromStore && slowMillis > 0) {
                        try {
                            Thread.sleep(slowMillis);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            break;
                        }
                    }
                    if (limit >= 0 && total + n > limit) {
                        int part = (int) Math.max(0, limit - total);
                        out.write(buf, 0, part);
                        out.flush();
                        break;
                    }
                    out.write(buf, 0, n);
                    out.flush();
                    total += n;
                }
            } catch (IOException e) {
                // connection cut
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, "tcp-proxy-pipe");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
        cutAll();
    }
}
