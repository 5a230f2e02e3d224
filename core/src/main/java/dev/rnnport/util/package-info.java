/** Small general pieces with no better home. */
package dev.rnnport.util;
