module.exports = { ...require('../../jest.preset.js'), displayName: 'code-exec' };
