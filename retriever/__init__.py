"""The knowledge-base retriever: knowledge files, encoder, lexical index, search service."""
