import { createServer as createHttpServer, type IncomingHttpHeaders, type RequestListener } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';

/** A port nothing listens on: listen, note the port, close. */
export async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A local HTTP server answering with `answer`; notes the headers of every request it receives. */
export async function startServer(answer: RequestListener) {
  const server = createHttpServer((request, response) => { local.received.push(request.headers); answer(request, response); });
  const local = { received: [] as IncomingHttpHeaders[], base: '', close: () => new Promise((resolve) => { server.close(resolve); server.closeAllConnections(); }) };
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  local.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return local;
}
