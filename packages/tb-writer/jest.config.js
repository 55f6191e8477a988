module.exports = { ...require('../../jest.preset.js'), displayName: 'tb-writer' };
