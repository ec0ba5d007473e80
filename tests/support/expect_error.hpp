// EXPECT_TWEED_ERROR(statement, ErrorType, subject, part): the statement must throw ErrorType
// whose one-line message names `subject` (a file, option or operator) and contains `part`.
#pragma once

#include <gtest/gtest.h>

#include <exception>
#include <string>

#define EXPECT_TWEED_ERROR(stmt, Type, path, part)                                             \
  do {                                                                                         \
    try {                                                                                      \
      stmt;                                                                                    \
      ADD_FAILURE() << "expected " #Type " from " #stmt;                                       \
    } catch (const Type& e_) {                                                                 \
      const std::string m_ = e_.what();                                                        \
      EXPECT_NE(m_.find(path), std::string::npos) << "message lacks the path: " << m_;         \
      EXPECT_NE(m_.find(part), std::string::npos) << "message lacks '" << part << "': " << m_; \
      EXPECT_EQ(m_.find('\n'), std::string::npos) << "message spans lines: " << m_;            \
    } catch (const std::exception& e_) {                                                       \
      ADD_FAILURE() << "expected " #Type ", got: " << e_.what();                               \
    }                                                                                          \
  } while (0)
