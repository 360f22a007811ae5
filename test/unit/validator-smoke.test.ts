import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { validateFiles, validatorPath, fatalIds } from '../support/validator';

// Proves the judge itself answers as documented before any conformance test relies on it.
test('official validator accepts a valid PEPPOL example and rejects a broken one', async () => {
	const examples = path.join(path.dirname(validatorPath()), 'examples');
	const [good, bad] = await validateFiles([
		path.join(examples, 'peppol', 'Vat-category-S.xml'),
		path.join(examples, 'broken', '02-line-totals-dont-sum.xml'),
	]);
	assert.equal(good.valid, true);
	assert.equal(bad.valid, false);
	assert.ok(fatalIds(bad).includes('BR-CO-10'));
});
