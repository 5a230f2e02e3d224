/** The command line: one picocli class per subcommand, no logic beyond arguments and exit codes. */
package dev.rnnport.cli;
