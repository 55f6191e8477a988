// @rfai/teacher-clients: teachers that grade code: OpenAI, Anthropic, OpenAI-compatible servers and an offline grader.
// Nothing is exported yet: the package's issue builds it.
export {};
