import dgram from 'node:dgram';
import net from 'node:net';

/** A loopback port that is free for TCP and UDP right now (the server started next binds it). */
export async function freePort(): Promise<number> {
	for (let attempt = 0; attempt < 20; attempt++) {
		const port = await new Promise<number>((resolve, reject) => {
			const server = net.createServer();
			server.once('error', reject);
			server.listen(0, '127.0.0.1', () => {
				const { port } = server.address() as net.AddressInfo;
				server.close(() => resolve(port));
			});
		});
		const udpFree = await new Promise<boolean>((resolve) => {
			const socket = dgram.createSocket('udp4');
			socket.once('error', () => resolve(false));
			socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
		});
		if (udpFree) return port;
	}
	throw new Error('no free loopback port found');
}
