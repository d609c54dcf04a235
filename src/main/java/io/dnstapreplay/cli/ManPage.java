// SPDX-License-Identifier: Apache-2.0
package io.dnstapreplay.cli;

import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * ManPage writes a command's manual page (man(7) macros) from its picocli model, so the page says
 * exactly what {@code --help} says: the same options, descriptions, defaults and exit codes. Extra
 * sections (FILES, SEE ALSO) come from the caller.
 */
final class ManPage {
  /** A section beyond those the model gives: a heading and its paragraphs. */
  record Section(String heading, List<String> paragraphs) {}

  private ManPage() {}

  /**
   * @param date the page's date, e.g. {@code 2026-11-30}
   * @param version the version shown in the page footer
   */
  static String render(CommandSpec spec, String date, String version, List<Section> extra) {
    String name = spec.name();
    StringBuilder out = new StringBuilder();
    out.append(".TH ")
        .append(quote(name.toUpperCase(java.util.Locale.ROOT)))
        .append(" 1 ")
        .append(quote(date))
        .append(' ')
        .append(quote(name + " " + version))
        .append(" \"User Commands\"\n");
    String description = String.join(" ", spec.usageMessage().description());
    section(out, "NAME").append(escape(name)).append(" \\- ").append(summary(description));
    out.append('\n');
    section(out, "SYNOPSIS").append(".B ").append(escape(name)).append('\n');
    for (OptionSpec o : spec.options()) {
      out.append(synopsis(o)).append('\n');
    }
    for (PositionalParamSpec p : spec.positionalParameters()) {
      out.append(optional(p, "\\fI" + escape(p.paramLabel()) + "\\fR")).append('\n');
    }
    section(out, "DESCRIPTION").append(escape(description)).append('\n');
    if (!spec.positionalParameters().isEmpty()) {
      section(out, "ARGUMENTS");
      for (PositionalParamSpec p : spec.positionalParameters()) {
        item(out, "\\fI" + escape(p.paramLabel()) + "\\fR", p);
      }
    }
    section(out, "OPTIONS");
    for (OptionSpec o : spec.options()) {
      item(out, names(o), o);
    }
    Map<String, String> exitCodes = spec.usageMessage().exitCodeList();
    if (!exitCodes.isEmpty()) {
      section(out, "EXIT STATUS");
      exitCodes.forEach(
          (code, meaning) ->
              out.append(".TP\n")
                  .append(escape(code))
                  .append('\n')
                  .append(escape(meaning))
                  .append('\n'));
    }
    for (Section s : extra) {
      section(out, s.heading());
      for (int i = 0; i < s.paragraphs().size(); i++) {
        if (i > 0) {
          out.append(".PP\n");
        }
        out.append(escape(s.paragraphs().get(i))).append('\n');
      }
    }
    return out.toString();
  }

  private static StringBuilder section(StringBuilder out, String heading) {
    return out.append(".SH ").append(quote(heading)).append('\n');
  }

  private static void item(StringBuilder out, String tag, ArgSpec arg) {
    out.append(".TP\n").append(tag).append('\n');
    out.append(escape(String.join(" ", arg.description()))).append('\n');
  }

  /** {@code -v, --verbose} or {@code --dns=IP:PORT}, in bold and italics. */
  private static String names(OptionSpec o) {
    StringBuilder b = new StringBuilder();
    for (String n : o.names()) {
      if (b.length() > 0) {
        b.append(", ");
      }
      b.append("\\fB").append(escape(n)).append("\\fR");
    }
    return b.append(parameter(o)).toString();
  }

  private static String parameter(OptionSpec o) {
    return o.arity().max() == 0 ? "" : "=\\fI" + escape(o.paramLabel()) + "\\fR";
  }

  private static String synopsis(OptionSpec o) {
    return optional(o, "\\fB" + escape(o.longestName()) + "\\fR" + parameter(o));
  }

  private static String optional(ArgSpec arg, String text) {
    String repeated = arg.isMultiValue() ? "..." : "";
    return arg.required() ? text + repeated : "[" + text + "]" + repeated;
  }

  /** The first sentence, for the NAME line that apropos and whatis read. */
  private static String summary(String description) {
    int end = description.indexOf(". ");
    String first = end < 0 ? description : description.substring(0, end);
    return escape(first.endsWith(".") ? first.substring(0, first.length() - 1) : first);
  }

  private static String quote(String s) {
    return '"' + escape(s).replace("\"", "\\(dq") + '"';
  }

  /**
   * Text safe in a man page: backslashes and hyphens escaped, and no line may start with a control
   * character ({@code .} or {@code '}).
   */
  static String escape(String s) {
    String e = s.replace("\\", "\\e").replace("-", "\\-");
    return e.replaceAll("(?m)^([.'])", "\\\\&$1");
  }
}
