import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { XmlEmitter, escapeXml } from '../../nodes/shared/ubl/xml-emitter';

describe('XmlEmitter', () => {
	it('escapes the five XML specials and removes characters XML 1.0 forbids', () => {
		assert.equal(escapeXml(`a&b<c>d"e'f`), 'a&amp;b&lt;c&gt;d&quot;e&apos;f');
		assert.equal(escapeXml('æøå ÆØÅ € 😀'), 'æøå ÆØÅ € 😀');
		assert.equal(escapeXml('tab\there\nnew\u0000\u0007\u001F\uFFFE'), 'tab\there\nnew');
		assert.equal(escapeXml('lone \uD800 surrogate \uDC00 ok 😀'), 'lone  surrogate  ok 😀');
	});

	it('writes aggregates only when something is written inside them', () => {
		const x = new XmlEmitter(false);
		x.open('a', { id: 'x&y', empty: '', missing: undefined });
		x.open('b').leaf('c', '').leaf('d', '   ').leaf('e', undefined).close();
		x.open('f').open('g').close().leaf('h', '1').close();
		x.close();
		assert.equal(x.toString(), '<a id="x&amp;y"><f><h>1</h></f></a>');
	});

	it('refuses to produce unbalanced XML', () => {
		assert.throws(() => new XmlEmitter().close(), /close\(\) without open\(\)/);
		const x = new XmlEmitter();
		x.open('a').open('b').leaf('c', '1');
		assert.throws(() => x.toString(), /<a><b> not closed/);
	});
});
