/**
 * A network camera for tests: an HTTP server on 127.0.0.1 serving JPEG
 * pictures in turn as MJPEG (multipart/x-mixed-replace), as IP cameras do,
 * that a test can kill, freeze and bring back on the same address.
 */
import http from 'node:http';
import net from 'node:net';

export class MjpegCamera {
  private server: http.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  private readonly clients = new Set<http.ServerResponse>();
  private timer: NodeJS.Timeout | null = null;
  private frozen = false;
  private sent = 0;
  /** 0 until the first start picks a free port; later starts reuse it. */
  port = 0;

  /** Serves `jpegs` in turn, over and over, at `fps` pictures a second to every client. */
  constructor(
    private readonly jpegs: readonly Buffer[],
    private readonly fps = 5,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/video.mjpg`;
  }

  /** Serves (again) on the same port as before, or on a free one the first time. */
  async start(): Promise<void> {
    this.frozen = false;
    const server = http.createServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'multipart/x-mixed-replace; boundary=frame', 'Cache-Control': 'no-cache', Connection: 'close' });
      this.clients.add(response);
      response.on('close', () => this.clients.delete(response));
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as net.AddressInfo).port;
    this.timer = setInterval(() => {
      if (this.frozen) return;
      const jpeg = this.jpegs[this.sent++ % this.jpegs.length]!;
      for (const client of this.clients) {
        client.write(`--frame\r\nContent-Type: image/jpeg\r\nContent-Length: ${jpeg.length}\r\n\r\n`);
        client.write(jpeg);
        client.write('\r\n');
      }
    }, 1000 / this.fps);
  }

  /** Every connection stays open and nothing more is sent (a camera hung mid-stream, or its cable cut). */
  freeze(): void {
    this.frozen = true;
  }

  thaw(): void {
    this.frozen = false;
  }

  /** The server goes, connections and all (the camera lost its power). */
  async kill(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const server = this.server;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    this.clients.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * A "network camera" on 127.0.0.1 that accepts connections and never sends a
 * byte. Returns its URL and how to close it (open connections included).
 */
export async function hungCamera(): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return { url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/video.mjpg`, close };
}
