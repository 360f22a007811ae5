/**
 * The segment table of the UN/EDIFACT D.96A INVOIC message (groups SG1–SG51), in the `edifact` package's Tracker
 * format: `{ content, mandatory, repetition }` with nested arrays for segment groups. Written from the D.96A
 * directory's message structure; independent of our writer.
 */
export interface TableEntry {
	content: string | TableEntry[];
	mandatory: boolean;
	repetition: number;
}

const m = (content: string | TableEntry[], repetition = 1): TableEntry => ({ content, mandatory: true, repetition });
const c = (content: string | TableEntry[], repetition = 1): TableEntry => ({ content, mandatory: false, repetition });

export const INVOIC_D96A: TableEntry[] = [
	m('UNH'),
	m('BGM'),
	m('DTM', 35),
	c('PAI'),
	c('ALI', 5),
	c('IMD'),
	c('FTX', 10),
	c([m('RFF'), c('DTM', 5)], 99), // SG1
	c(
		[
			m('NAD'),
			c('LOC', 25),
			c('FII', 5),
			c([m('RFF'), c('DTM', 5)], 9999), // SG3
			c([m('DOC'), c('DTM', 5)], 5), // SG4
			c([m('CTA'), c('COM', 5)], 5), // SG5
		],
		99,
	), // SG2
	c([m('TAX'), c('MOA'), c('LOC', 5)], 5), // SG6
	c([m('CUX'), c('DTM', 5)], 5), // SG7
	c([m('PAT'), c('DTM', 5), c('PCD'), c('MOA')], 10), // SG8
	c([m('TDT'), c([m('LOC'), c('DTM', 10)], 10)], 10), // SG9 / SG10
	c([m('TOD'), c('LOC', 2)], 5), // SG11
	c([m('PAC'), c('MEA', 10), c([m('PCI'), c('RFF'), c('DTM', 5), c('GIN', 10)], 10)], 1000), // SG12 / SG13
	c([m('LOC'), c('QTY'), c('DTM', 5)], 10), // SG14
	c(
		[
			m('ALC'),
			c('ALI', 5),
			c([m('RFF'), c('DTM', 5)], 5), // SG16
			c([m('QTY'), c('RNG')], 1), // SG17
			c([m('PCD'), c('RNG')], 1), // SG18
			c([m('MOA'), c('RNG')], 2), // SG19
			c([m('RTE'), c('RNG')], 1), // SG20
			c([m('TAX'), c('MOA')], 5), // SG21
		],
		15,
	), // SG15
	c([m('RCS'), c('RFF', 5), c('DTM', 5), c('FTX', 5)], 100), // SG22
	c(
		[
			m('LIN'),
			c('PIA', 25),
			c('IMD', 10),
			c('MEA', 5),
			c('QTY', 5),
			c('PCD'),
			c('ALI', 5),
			c('DTM', 35),
			c('GIN', 1000),
			c('GIR', 1000),
			c('QVR'),
			c('EQD'),
			c('FTX', 5),
			c([m('MOA'), c('QTY')], 5), // SG26
			c([m('PAT'), c('DTM', 5), c('PCD'), c('MOA')], 10), // SG27
			c([m('PRI'), c('CUX'), c('APR'), c('RNG'), c('DTM', 5)], 25), // SG28
			c([m('RFF'), c('DTM', 5)], 10), // SG29
			c([m('PAC'), c('MEA', 10), c([m('PCI'), c('RFF'), c('DTM', 5), c('GIN', 10)], 10)], 10), // SG30 / SG31
			c([m('LOC'), c('QTY'), c('DTM', 5)], 9999), // SG32
			c([m('TAX'), c('MOA'), c('LOC', 5)], 99), // SG33
			c(
				[
					m('NAD'),
					c('LOC', 5),
					c([m('RFF'), c('DTM', 5)], 5), // SG35
					c([m('DOC'), c('DTM', 5)], 5), // SG36
					c([m('CTA'), c('COM', 5)], 5), // SG37
				],
				99,
			), // SG34
			c(
				[
					m('ALC'),
					c('ALI', 5),
					c('DTM', 5),
					c([m('QTY'), c('RNG')], 1), // SG39
					c([m('PCD'), c('RNG')], 1), // SG40
					c([m('MOA'), c('RNG')], 2), // SG41
					c([m('RTE'), c('RNG')], 1), // SG42
					c([m('TAX'), c('MOA')], 5), // SG43
				],
				15,
			), // SG38
			c([m('TDT'), c([m('LOC'), c('DTM', 10)], 10)], 10), // SG44 / SG45
			c([m('TOD'), c('LOC', 2)], 5), // SG46
			c([m('RCS'), c('RFF', 5), c('DTM', 5), c('FTX', 5)], 100), // SG47
		],
		9_999_999,
	), // SG25
	m('UNS'),
	c('CNT', 10),
	c([m('MOA'), c([m('RFF'), c('DTM', 5)], 1)], 100), // SG48 / SG49
	c([m('TAX'), c('MOA', 2)], 10), // SG50
	c([m('ALC'), c('ALI'), c('MOA', 2)], 15), // SG51
	m('UNT'),
];
