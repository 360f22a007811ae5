/** A strict multipart/form-data parser for the Maventa emulator (RFC 7578): fields and files as Buffers. */
export interface MultipartPart {
	name: string;
	fileName?: string;
	contentType?: string;
	data: Buffer;
}

export function multipartBoundary(contentType: string | undefined): string | undefined {
	const match = /^multipart\/form-data;.*\bboundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
	return match ? (match[1] ?? match[2]).trim() : undefined;
}

/** Parse a body; throws on a malformed one (missing closing delimiter, part without headers or name). */
export function parseMultipart(body: Buffer, boundary: string): MultipartPart[] {
	const delimiter = Buffer.from(`--${boundary}`);
	const parts: MultipartPart[] = [];
	let position = body.indexOf(delimiter);
	if (position < 0) throw new Error('no multipart delimiter found');
	for (;;) {
		const afterDelimiter = position + delimiter.length;
		if (body.subarray(afterDelimiter, afterDelimiter + 2).toString() === '--') return parts;
		if (body.subarray(afterDelimiter, afterDelimiter + 2).toString() !== '\r\n')
			throw new Error('malformed delimiter line');
		const headerEnd = body.indexOf('\r\n\r\n', afterDelimiter + 2);
		if (headerEnd < 0) throw new Error('part without header terminator');
		const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd + 4);
		if (next < 0) throw new Error('missing closing delimiter');
		const headers = body
			.subarray(afterDelimiter + 2, headerEnd)
			.toString('utf8')
			.split('\r\n');
		const disposition = headers.find((h) => /^content-disposition:/i.test(h)) ?? '';
		const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
		if (!name) throw new Error('part without a name');
		const fileName = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
		const contentType = headers.find((h) => /^content-type:/i.test(h))?.replace(/^content-type:\s*/i, '');
		parts.push({ name, fileName, contentType, data: body.subarray(headerEnd + 4, next) });
		position = next + 2;
	}
}
