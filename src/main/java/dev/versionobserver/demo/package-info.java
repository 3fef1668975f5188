/**
 * The service's demo "app" page at {@code /}. The only package the library jar leaves out (pom.xml, execution
 * {@code library}): applications that embed Version Observer serve their own pages.
 */
package dev.versionobserver.demo;
