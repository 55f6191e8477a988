/**
 * JSON Schemas (draft-07, checked with ajv) of the two kinds of task bank files: `bank/<category>.yaml` (a list
 * of templates) and `bank/tests/<category>.yaml` (hidden tests by template variant and language). The
 * `description` of each field is what error messages quote as "expected".
 */
import { REFERENCE_LANGUAGES, TASK_CATEGORIES } from './types';

const code = (language: string) => ({
  type: 'string',
  minLength: 1,
  description: `the ${language} reference solution (a block literal "|"); $name is the entry point, $slot a variant value`,
});

const words = (what: string) => ({
  type: 'array',
  items: { type: 'string', minLength: 1 },
  description: `${what}, as lower-case words (a list of strings, e.g. [intervals] or [key, value]; [] for none)`,
});

/** Schema of `bank/<category>.yaml`: a YAML list of task templates (the fields of `TaskTemplate`). */
export const TASK_TEMPLATES_FILE_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://rfai.dev/schemas/task-bank-templates.json',
  title: 'rfai task bank: templates of one category',
  description: 'a YAML list of task templates (items "- id: ..."); each (template, variant, language) becomes one prompt',
  type: 'array',
  items: {
    type: 'object',
    description: 'a task template (a mapping with id, category, difficulty, tags, kind, name, params, task, variants)',
    required: ['id', 'category', 'difficulty', 'tags', 'kind', 'name', 'params', 'task', 'variants'],
    additionalProperties: false,
    properties: {
      id: {
        type: 'string',
        pattern: '^[a-z][a-z0-9_]*$',
        description: 'a snake_case identifier (lower-case letters, digits, underscores; starts with a letter), unique in the bank',
      },
      category: { enum: [...TASK_CATEGORIES], description: `the file's category, one of ${TASK_CATEGORIES.join(', ')}` },
      difficulty: { enum: ['easy', 'medium', 'hard'], description: 'one of easy, medium, hard' },
      tags: {
        type: 'array',
        uniqueItems: true,
        items: { type: 'string', pattern: '^[a-z0-9]+(-[a-z0-9]+)*$' },
        description: 'a list of distinct kebab-case tags besides the category (e.g. [sorting, two-pointers])',
      },
      kind: { enum: ['function', 'class'], description: 'function (a free function) or class (a class / struct with methods)' },
      name: { type: 'string', minLength: 1, description: 'the entry point as lower-case words (e.g. merge intervals); may use {slot}' },
      params: words('the parameter names (constructor parameters for a class)'),
      methods: {
        type: 'array',
        description: 'the methods of a class, each a mapping {name: words, params: [words]}',
        items: {
          type: 'object',
          required: ['name', 'params'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, description: 'the method name as lower-case words' },
            params: words('the method parameter names'),
          },
        },
      },
      task: {
        type: 'string',
        minLength: 1,
        description: 'what the code must do, starting with a verb ("returns ..."); {slot}, {none}, {null}, {list}, {map}, [[words]] allowed',
      },
      variants: {
        type: 'array',
        minItems: 1,
        description: 'a non-empty list of variants, each a mapping from slot name to string (python/typescript/rust/cpp keys override the reference)',
        items: {
          type: 'object',
          propertyNames: { pattern: '^\\w+$' },
          additionalProperties: { type: 'string', description: 'a slot value (a string: quote numbers such as "-1")' },
          description: 'a mapping from slot name (letters, digits, underscores) to string',
        },
      },
      python: code('Python'),
      typescript: code('TypeScript'),
      rust: code('Rust'),
      cpp: code('C++17'),
    },
  },
} as const;

/** Schema of `bank/tests/<category>.yaml`: hidden test cases by `<template id>-<variant index>` and language. */
export const TASK_TESTS_FILE_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://rfai.dev/schemas/task-bank-tests.json',
  title: 'rfai task bank: hidden tests of one category',
  description: 'a mapping from "<template id>-<variant index>" (variants counted from 0) to test cases by language',
  type: 'object',
  propertyNames: { pattern: '^[a-z][a-z0-9_]*-(0|[1-9][0-9]*)$' },
  additionalProperties: {
    type: 'object',
    description: `a mapping from language (${REFERENCE_LANGUAGES.join(', ')}) to a list of test cases`,
    minProperties: 1,
    additionalProperties: false,
    properties: Object.fromEntries(
      REFERENCE_LANGUAGES.map((language) => [
        language,
        {
          type: 'array',
          minItems: 1,
          items: { type: 'string', pattern: '\\S', description: 'one test case: statements, $name for the entry point' },
          description: 'a non-empty list of test cases, each one string (a block literal "|" for several lines)',
        },
      ]),
    ),
  },
} as const;
