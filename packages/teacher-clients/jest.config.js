module.exports = { ...require('../../jest.preset.js'), displayName: 'teacher-clients' };
