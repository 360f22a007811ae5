/**
 * xmlbuilder2 behind the writer's `XmlSink`, so the benchmark can write the very same documents through
 * xmlbuilder2's DOM builder and its callback builder (`createCB`) and compare them with `XmlEmitter`.
 * Same semantics as `XmlEmitter`: blank leaves are skipped and empty aggregates are not written.
 */
import { create, createCB } from 'xmlbuilder2';
import type { XMLBuilder, XMLBuilderCB } from 'xmlbuilder2/lib/interfaces';
import { hasText, type XmlAttributes, type XmlSink } from '../../nodes/shared/ubl/xml-emitter';

function definedAttributes(attributes: XmlAttributes | undefined): Record<string, string> | undefined {
	if (!attributes) return undefined;
	const result: Record<string, string> = {};
	for (const [name, value] of Object.entries(attributes)) if (value !== undefined && value !== '') result[name] = value;
	return result;
}

/** xmlbuilder2's DOM builder: elements are created at once and removed again if they stay empty. */
export class XmlBuilder2DomSink implements XmlSink {
	private document: XMLBuilder = create({ version: '1.0', encoding: 'UTF-8' });
	private current: XMLBuilder = this.document;

	open(name: string, attributes?: XmlAttributes): this {
		this.current = this.current.ele(name, definedAttributes(attributes));
		return this;
	}

	close(): this {
		const element = this.current;
		this.current = element.up();
		if (!element.node.hasChildNodes()) element.remove();
		return this;
	}

	leaf(name: string, value: string | undefined | null, attributes?: XmlAttributes): this {
		if (hasText(value)) this.current.ele(name, definedAttributes(attributes)).txt(value);
		return this;
	}

	toString(): string {
		return this.document.end({ prettyPrint: false });
	}
}

/** xmlbuilder2's callback (streaming) builder, with lazily written aggregates. */
export class XmlBuilder2CallbackSink implements XmlSink {
	private out = '';
	private readonly builder: XMLBuilderCB;
	private readonly pending: { name: string; attributes?: Record<string, string> }[] = [];
	private written = 0;

	constructor() {
		this.builder = createCB({ data: (chunk: string) => (this.out += chunk), prettyPrint: false });
		this.builder.dec({ version: '1.0', encoding: 'UTF-8' });
	}

	open(name: string, attributes?: XmlAttributes): this {
		this.pending.push({ name, attributes: definedAttributes(attributes) });
		return this;
	}

	close(): this {
		this.pending.pop();
		if (this.written > this.pending.length) {
			this.builder.up();
			this.written = this.pending.length;
		}
		return this;
	}

	leaf(name: string, value: string | undefined | null, attributes?: XmlAttributes): this {
		if (!hasText(value)) return this;
		while (this.written < this.pending.length) {
			const { name: openName, attributes: openAttributes } = this.pending[this.written++];
			this.builder.ele(openName, openAttributes);
		}
		this.builder.ele(name, definedAttributes(attributes)).txt(value).up();
		return this;
	}

	toString(): string {
		this.builder.end();
		return this.out;
	}
}
